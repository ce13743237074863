#!/usr/bin/env python3
"""A local stand-in for a map tile server: GET /{z}/{x}/{y}.png answers one 256x256 PNG.

FitTrackee renders a static map per uploaded workout from TILE_SERVER_URL; the benchmark
points it here so that no request leaves the machine. The tile is a light grid (not a solid
colour) so it costs about what a real tile costs to decode: ~1 kB instead of ~20 kB.

    tile_stub.py PORT
"""

import struct
import sys
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png(width: int = 256, height: int = 256) -> bytes:
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            line = x % 32 == 0 or y % 32 == 0
            row += bytes((200, 200, 200) if line else (238, 234, 226))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


TILE = png()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.endswith(".png"):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(TILE)))
            self.end_headers()
            self.wfile.write(TILE)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args) -> None:  # quiet
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
