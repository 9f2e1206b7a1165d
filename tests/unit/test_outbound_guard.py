"""The outbound address rules, by class: every address of a class that is not globally routable
is refused, whether written as IPv4 or carried inside an IPv6 transition address; globally
routable ones pass. Addresses are generated across each class, not picked."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadapi.outbound.rules import METADATA, forbidden_address
from tests.factories import within

# IPv4 classes that must never be reached, by the reason given.
V4_CLASSES = {
    "carrier-grade NAT": ["100.64.0.0/10"],
    "private": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
    "loopback": ["127.0.0.0/8"],
    "link-local": ["169.254.0.0/16"],
    "multicast": ["224.0.0.0/4"],
    "reserved": ["240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15", "0.0.0.0/8"],
    "documentation": ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"],
}
V6_CLASSES = {
    "loopback": ["::1/128"],
    "unique local": ["fc00::/7"],
    "link-local": ["fe80::/10"],
    "multicast": ["ff00::/8"],
    "documentation": ["2001:db8::/32", "3fff::/20"],
    "discard": ["100::/64"],
    "IPv4-compatible": ["::/96"],
    "NAT64 local use": ["64:ff9b:1::/48"],
    "site-local": ["fec0::/10"],
}
bad_v4 = st.one_of(*(within(n) for nets in V4_CLASSES.values() for n in nets))
bad_v6 = st.one_of(*(within(n) for nets in V6_CLASSES.values() for n in nets))
public_v4 = (
    st.integers(0, 2**32 - 1)
    .map(ipaddress.IPv4Address)
    .filter(lambda ip: ip.is_global and not ip.is_multicast and not ip.is_reserved)
)


def mapped(v4: ipaddress.IPv4Address, _: int) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(0xFFFF_0000_0000 | int(v4))


def nat64(v4: ipaddress.IPv4Address, _: int) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address((0x64FF9B << 96) | int(v4))


def sixtofour(v4: ipaddress.IPv4Address, low: int) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address((0x2002 << 112) | (int(v4) << 80) | (low & (2**80 - 1)))


def teredo(v4: ipaddress.IPv4Address, low: int) -> ipaddress.IPv6Address:
    # 2001:0000:<server v4>:<flags>:<port ^ ffff>:<client v4 ^ ffffffff>
    server = low & 0xFFFFFFFF
    flags_port = (low >> 32) & 0xFFFFFFFF
    return ipaddress.IPv6Address(
        (0x20010000 << 96) | (server << 64) | (flags_port << 32) | (int(v4) ^ 0xFFFFFFFF)
    )


EMBEDDINGS = [mapped, nat64, sixtofour, teredo]


@settings(max_examples=400)
@given(bad_v4)
def test_ipv4_outside_the_global_space_is_refused(ip: ipaddress.IPv4Address) -> None:
    assert forbidden_address(str(ip)) is not None


@settings(max_examples=400)
@given(bad_v6)
def test_ipv6_outside_the_global_space_is_refused(ip: ipaddress.IPv6Address) -> None:
    assert forbidden_address(str(ip)) is not None


@settings(max_examples=400)
@given(bad_v4, st.sampled_from(EMBEDDINGS), st.integers(0, 2**80 - 1))
def test_ipv6_carrying_a_refused_ipv4_is_refused(ip: ipaddress.IPv4Address, embed: object, low: int) -> None:
    carried = embed(ip, low)  # type: ignore[operator]
    reason = forbidden_address(str(carried))
    assert reason is not None, carried


@given(within("100.64.0.0/10"))
def test_carrier_grade_nat_says_so(ip: ipaddress.IPv4Address) -> None:
    reason = forbidden_address(str(ip))
    assert reason is not None
    assert "carrier-grade NAT" in reason or "metadata" in reason


@settings(max_examples=300)
@given(public_v4)
def test_global_ipv4_passes_alone_mapped_and_through_nat64(ip: ipaddress.IPv4Address) -> None:
    if ip in METADATA:
        return
    assert forbidden_address(str(ip)) is None
    assert forbidden_address(str(mapped(ip, 0))) is None
    assert forbidden_address(str(nat64(ip, 0))) is None


@settings(max_examples=300)
@given(within("2000::/3").filter(lambda ip: ip.is_global))
def test_global_ipv6_passes(ip: ipaddress.IPv6Address) -> None:
    if ip.sixtofour is not None and forbidden_address(ip.sixtofour) is not None:
        return  # 6to4 carrying a refused IPv4: refused, as the test above has it
    assert forbidden_address(str(ip)) is None


@pytest.mark.parametrize("address", sorted(map(str, METADATA)))
def test_cloud_metadata_addresses_are_refused(address: str) -> None:
    assert forbidden_address(address) == "a cloud metadata address"
    if ":" not in address:
        v4 = ipaddress.IPv4Address(address)
        for embed in EMBEDDINGS:
            reason = forbidden_address(str(embed(v4, 1)))
            assert reason is not None, embed
            assert "metadata" in reason, embed


def test_scoped_ipv6_is_refused() -> None:
    assert forbidden_address("fe80::1%eth0") is not None
