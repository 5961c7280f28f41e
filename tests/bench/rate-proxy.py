#!/usr/bin/env python3
"""A slow source for the bench (bench-ratelimit.sh): a TCP proxy on
127.0.0.1:LISTEN that passes each connection to 127.0.0.1:TARGET (TLS
goes through untouched), the server's bytes at most RATE bytes/s per
connection, the client's not limited.  What one stream of a real ESXi
does.  nginx's own limit_rate cannot stand in: it limits each request,
and lets every request send a second's worth at once, so range requests
smaller than that (the copy's are 2 MiB at most) are never slowed.

A process per connection (the proxy must not be what limits N
connections on a busy machine); the bucket holds at most BUCKET bytes
(1/32 s at 32 MiB/s): an idle connection saves no burst worth speaking
of.

Usage: rate-proxy.py LISTEN TARGET RATE
"""
import socket
import socketserver
import sys
import threading
import time

CHUNK = 256 * 1024
BUCKET = 1024 * 1024


def pump(src, dst, rate):
    tokens, last = float(BUCKET), time.monotonic()
    try:
        while True:
            data = src.recv(CHUNK)
            if not data:
                break
            if rate:
                now = time.monotonic()
                tokens = min(float(BUCKET), tokens + (now - last) * rate)
                last = now
                tokens -= len(data)
                if tokens < 0:
                    time.sleep(-tokens / rate)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            server = socket.create_connection(("127.0.0.1", TARGET))
        except OSError:
            return
        up = threading.Thread(target=pump, args=(self.request, server, 0))
        up.start()
        pump(server, self.request, RATE)
        up.join()
        server.close()


class Server(socketserver.ForkingTCPServer):
    allow_reuse_address = True


if __name__ == "__main__":
    LISTEN, TARGET, RATE = (int(a) for a in sys.argv[1:4])
    with Server(("127.0.0.1", LISTEN), Handler) as s:
        s.serve_forever()
