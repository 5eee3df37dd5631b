"""`manage.py check_port` (make run, make run-prod): a port a server listens on is taken; one
a server has just left, with connections still closing (TIME_WAIT), is free to serve again."""

import socket

from newsdesk.core.management.commands.check_port import port_is_free


def test_a_listening_port_is_taken_and_a_just_closed_one_is_free():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    assert not port_is_free("127.0.0.1", port)

    client = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    served.close()  # the server closes first: its side of the connection waits (TIME_WAIT)
    client.close()
    listener.close()
    assert port_is_free("127.0.0.1", port)
