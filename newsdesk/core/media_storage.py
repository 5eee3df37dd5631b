"""Media on S3-compatible object storage (settings: `media_storage_from_env`, S3_BUCKET).

Renditions and share cards are never rewritten under the same name (a rendition's name holds
its filter, a card's its digest), so browsers and CDNs may keep them for a year. Originals and
documents can be replaced by an editor, so they are kept for a day.
"""

from storages.backends.s3 import S3Storage

IMMUTABLE_PREFIXES = ("images/", "cards/")
IMMUTABLE = "public, max-age=31536000, immutable"
REPLACEABLE = "public, max-age=86400"


class MediaStorage(S3Storage):
    def get_object_parameters(self, name: str) -> dict:
        parameters = super().get_object_parameters(name)
        relative = name.removeprefix(self.location.rstrip("/") + "/") if self.location else name
        immutable = relative.startswith(IMMUTABLE_PREFIXES)
        parameters.setdefault("CacheControl", IMMUTABLE if immutable else REPLACEABLE)
        return parameters
