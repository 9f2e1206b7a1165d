"""A `multipart/form-data` upload read as it streams in (python-multipart's push parser): an
optional `options` part (JSON, the import's options) and the `file` part, whose bytes are handed on
as they arrive, never held whole. The options part must come first: the file is checked against
them (its header against the mapping) while it streams."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError

from leadapi.errors import ProblemError

MAX_OPTIONS_BYTES = 64 * 1024


def _bad(detail: str) -> ProblemError:
    return ProblemError(400, f"The multipart body is malformed: {detail}.", slug="bad-multipart")


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    data: list[bytes] = field(default_factory=list)
    headers_done: bool = False
    ended: bool = False

    @property
    def name(self) -> str:
        disposition = self.headers.get("content-disposition", "")
        for item in disposition.split(";")[1:]:
            key, _, value = item.strip().partition("=")
            if key == "name":
                return value.strip('"')
        return ""


class MultipartUpload:
    """The parts of a multipart body, read from `stream` as the caller asks for them."""

    def __init__(self, stream: AsyncIterator[bytes], boundary: str, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.received = 0
        self.parts: list[_Part] = []
        self.done = False
        header = {"field": b"", "value": b""}

        def begin() -> None:
            self.parts.append(_Part())

        def header_field(data: bytes, start: int, end: int) -> None:
            header["field"] += data[start:end]

        def header_value(data: bytes, start: int, end: int) -> None:
            header["value"] += data[start:end]

        def header_end() -> None:
            name = header["field"].decode("latin-1").lower()
            self.parts[-1].headers[name] = header["value"].decode("latin-1")
            header.update(field=b"", value=b"")

        def headers_finished() -> None:
            self.parts[-1].headers_done = True

        def data(chunk: bytes, start: int, end: int) -> None:
            self.parts[-1].data.append(chunk[start:end])

        def end() -> None:
            self.parts[-1].ended = True

        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": begin,
                "on_header_field": header_field,
                "on_header_value": header_value,
                "on_header_end": header_end,
                "on_headers_finished": headers_finished,
                "on_part_data": data,
                "on_part_end": end,
            },
        )

    async def _pull(self) -> bool:
        """Feed the parser the next piece of the body; False at its end."""
        if self.done:
            return False
        try:
            chunk = await anext(aiter(self.stream))
        except StopAsyncIteration:
            self.done = True
            return False
        self.received += len(chunk)
        if self.received > self.limit:
            raise ProblemError(
                413,
                f"The file is over the import limit of {self.limit} bytes.",
                headers={"Connection": "close"},
            )
        try:
            self.parser.write(chunk)
        except MultipartParseError as exc:
            raise _bad(str(exc)) from exc
        return True

    async def options_and_file(self) -> tuple[dict[str, Any] | None, str, AsyncIterator[bytes]]:
        """The options part (parsed JSON, None without one), the file part's Content-Type, and its
        bytes as they arrive."""
        while not self.parts or not self.parts[-1].headers_done:
            if not await self._pull():
                raise _bad("it has no file part")
        options: dict[str, Any] | None = None
        first = self.parts[0]
        if first.name == "options":
            while not first.ended:
                if sum(map(len, first.data)) > MAX_OPTIONS_BYTES:
                    raise _bad(f"the options part is over {MAX_OPTIONS_BYTES} bytes")
                if not await self._pull():
                    raise _bad("it ends inside the options part")
            try:
                parsed = json.loads(b"".join(first.data))
            except (ValueError, RecursionError) as exc:
                raise ProblemError(
                    422, "The options part is not JSON.", errors=[{"field": "options", "message": "not JSON"}]
                ) from exc
            if not isinstance(parsed, dict):
                raise ProblemError(
                    422,
                    "The options part is not a JSON object.",
                    errors=[{"field": "options", "message": "not an object"}],
                )
            options = parsed
            while len(self.parts) < 2 or not self.parts[1].headers_done:
                if not await self._pull():
                    raise _bad("it has no file part")
        file = self.parts[-1]
        if file.name != "file":
            raise _bad(f"expected the parts `options` (optional, first) and `file`, got {file.name!r}")
        return options, file.headers.get("content-type", ""), self._file_bytes(file)

    async def _file_bytes(self, file: _Part) -> AsyncIterator[bytes]:
        while True:
            if file.data:
                pieces, file.data = file.data, []
                yield b"".join(pieces)
            if file.ended:
                break
            if not await self._pull():
                raise _bad("it ends inside the file part")
        while await self._pull():  # the rest: nothing but the closing boundary
            pass
        if self.parts[-1] is not file:
            raise _bad("the file part must be the last, after the options part")
