"""The server-side-request-forgery guard: which addresses a fetch may connect to.

A feed is untrusted input: its links (and every redirect) could point the
watcher at the machine it runs on, the local network or a cloud metadata
service. Host names are resolved here and every address checked; the fetch
then connects to the checked address itself, so a second DNS answer cannot
swap it (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud metadata services; most are link-local or private anyway, named so that no allowance lets them through.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254", "192.0.0.192")
)


class Refused(Exception):
    """The address is not public (loopback, private, link-local, metadata...) and not allowed."""


class Guard:
    def __init__(self, allow_private: bool = False, allow_networks: Iterable[str] = ()):
        self.allow_private = allow_private
        self.allow_networks = [ipaddress.ip_network(n, strict=False) for n in allow_networks]

    def check(self, address: Address) -> None:
        """Raise Refused unless the address may be contacted."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address in METADATA:
            raise Refused(f"{address} is a cloud metadata address")
        if address.is_global and not address.is_multicast:
            return
        if self.allow_private or any(address in network for network in self.allow_networks):
            return
        raise Refused(f"{address} is a {_kind(address)} address (pass --allow-private to fetch it)")

    def resolve(self, host: str, port: int) -> Address:
        """The first address of ``host`` that the guard lets through; Refused if any address is refused
        (a name that also resolves to a private address is not trusted), OSError if the name does not resolve."""
        try:
            addresses = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        if not addresses:
            raise OSError(f"{host} has no address")
        for address in addresses:
            self.check(address)
        return addresses[0]


def _kind(address: Address) -> str:
    for name in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "non-public"
