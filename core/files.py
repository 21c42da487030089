"""Where uploaded files are stored: outside the web root, under a folder per company, with a
random name (the uploader's file name is kept in the row, never used on disk)."""

import uuid


def upload_name(*, folder: str, company_id: int, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{company_id}/{uuid.uuid4().hex}.{ext}"
