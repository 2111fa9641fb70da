"""A tiny SMTP server for the production-install step: it accepts every message and
writes it to a directory, so the step can follow the links the portal emails.
Python 3.13 has no smtpd; this speaks just enough SMTP for Django's backend.

    python smtp_sink.py PORT DIRECTORY
"""

import asyncio
import sys
import uuid
from pathlib import Path


async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    def say(line: str) -> None:
        writer.write(line.encode() + b"\r\n")

    say("220 sink ready")
    while line := await reader.readline():
        verb = line.decode(errors="replace").strip().split(" ")[0].upper()
        if verb in ("EHLO", "HELO"):
            say("250 sink")
        elif verb == "DATA":
            say("354 go ahead")
            await writer.drain()
            message = bytearray()
            while (chunk := await reader.readline()) not in (b".\r\n", b""):
                message += chunk[1:] if chunk.startswith(b"..") else chunk
            Path(sys.argv[2], f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
            say("250 stored")
        elif verb == "QUIT":
            say("221 bye")
            break
        else:  # MAIL, RCPT, RSET, NOOP
            say("250 ok")
        await writer.drain()
    writer.close()


async def main() -> None:
    server = await asyncio.start_server(session, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
