#!/usr/bin/env python3
"""A slow source for the bench (bench-ratelimit.sh): a TCP proxy on
127.0.0.1:LISTEN that passes each connection to 127.0.0.1:TARGET (TLS
goes through untouched), the server's bytes at most RATE bytes/s per
connection, the client's not limited.  What one stream of a real ESXi
does.  nginx's own limit_rate cannot stand in: it limits each request,
and lets every request send a second's worth at once, so range requests
smaller than that (the copy's are 2 MiB at most) are never slowed.

The bucket holds at most BUCKET bytes (1/32 s at 32 MiB/s): an idle
connection saves no burst worth speaking of.

Usage: rate-proxy.py LISTEN TARGET RATE
"""
import asyncio
import sys
import time

CHUNK = 256 * 1024
BUCKET = 1024 * 1024


async def pump(reader, writer, rate):
    tokens, last = float(BUCKET), time.monotonic()
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            if rate:
                now = time.monotonic()
                tokens = min(float(BUCKET), tokens + (now - last) * rate)
                last = now
                tokens -= len(data)
                if tokens < 0:
                    await asyncio.sleep(-tokens / rate)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(target, rate):
    async def handle(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pump(creader, swriter, 0),
                             pump(sreader, cwriter, rate))
    return handle


async def main():
    listen, target, rate = (int(a) for a in sys.argv[1:4])
    server = await asyncio.start_server(await serve(target, rate),
                                        "127.0.0.1", listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
