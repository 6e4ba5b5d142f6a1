"""Facts about the current request's client."""

from flask import request


def client_ip() -> str:
    """Return the client address (ProxyFix has already applied X-Forwarded-For when configured)."""
    return (request.remote_addr or "")[:45]


def lan_address() -> str | None:
    """This machine's address on its local network, the one phones in the room reach it at.

    Connecting a UDP socket sends nothing; it only asks the kernel which interface would carry the
    traffic. A machine with no network answers None."""
    import socket

    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.connect((probe, 1))
            address = sock.getsockname()[0]
        except OSError:
            continue
        finally:
            sock.close()
        if address and not address.startswith("127.") and address != "0.0.0.0":
            return address
    return None


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0")


if __name__ == "__main__":  # `python -m courseware.netutil`: the address `make run` prints
    print(lan_address() or "")
