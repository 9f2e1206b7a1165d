"""Which outbound targets leadapi may reach: URL syntax and IP addresses. Pure: no I/O.

Only globally routable unicast addresses pass. Python's `is_global` is the base, but its tables
lag the IANA special-purpose registries (on 3.11 multicast, NAT64 local use, IPv4-compatible
IPv6 and the 3fff::/20 documentation block all count as global), so the blocks below are refused
by name as well. Addresses that carry an IPv4 address inside an IPv6 one (mapped, NAT64, 6to4,
Teredo) are judged by the IPv4 address too: a router on the way may well deliver them to it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata services hand out credentials; some sit at addresses that look global
# (Azure's wire server) or in ranges refused anyway: named, so the reason says so.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.253",  # AWS DNS
        "169.254.169.123",  # AWS time
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS DNS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "168.63.129.16",  # Azure wire server
    )
)
CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Special-purpose blocks not to reach, whatever this Python's `is_global` says of them.
BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "::/96",  # IPv4-compatible IPv6 (deprecated): ::127.0.0.1 would be loopback to some stacks
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b:1::/48",  # NAT64 for local use
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo among them
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 transition address carries, with the mechanism's name."""
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip in NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1]
    return None


def forbidden_address(address: str | IPAddress) -> str | None:
    """Why leadapi must not connect to this IP address (None: it may)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        return "a scoped (link-local) address"
    if ip in METADATA:
        return "a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            mechanism, v4 = embedded
            inner = forbidden_address(v4)
            if inner is not None:
                return f"an {mechanism} IPv6 address embedding {inner}"
            if mechanism in ("IPv4-mapped", "NAT64"):
                # The IPv4 address itself (a dual-stack socket, the NAT64 gateway) is what is
                # reached; the IPv6 prefix is in ::/8, which Python counts as reserved.
                return None
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "a carrier-grade NAT address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or any(ip in net for net in BLOCKED if net.version == ip.version):
        return "a reserved address"
    if not ip.is_global:
        return "an address that is not globally routable"
    return None


# Characters a URL may hold as written (RFC 3986), `%` for escapes included; no spaces or controls.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_HOST_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^\[\]:@]+)(:[0-9]{1,5})?")
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def url_problem(url: str) -> str | None:
    """Why `url` is not an http(s) URL leadapi may call (None: it is): strict syntax, so nothing
    malformed reaches the resolver, the HTTP client or the database."""
    if not _URL_CHARS.fullmatch(url):
        return "a URL without spaces, control or non-ASCII characters (percent-encode them)"
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:  # bad brackets, a port out of range or not a number
        return f"a well-formed URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "an http or https URL"
    if not host:
        return "a URL with a host"
    hostport = parts.netloc.rpartition("@")[2]
    if not _HOST_PORT.fullmatch(hostport):
        return "a host, optionally with a port (an IPv6 address between brackets)"
    if port == 0:
        return "a port from 1 to 65535"
    if hostport.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "an IPv6 address between the brackets"
        return None
    if "%" in host:
        return "a host name without percent escapes"
    try:
        ipaddress.IPv4Address(host)
        return None
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return "a valid host name"
    if labels[-1].isdigit():
        return "a valid IPv4 address or host name"  # 1.2.3, 999.1.1.1, 0x7f.1: ambiguous forms
    return None
