#!/usr/bin/env bash
# Database hosts on one machine: one Linux network namespace per host, each with its own address on
# a bridge that this script creates, so that node agents run as separate hosts and a host can be cut
# off the network (and healed) without touching anything else. Used by ./pgflex up --hosts and by
# the test kit (io.pgflex.testkit.NetHosts). Root only. Only the namespaces, links and addresses
# this script created are ever touched.
#
#   hosts.sh up NAME NET HOST...   bridge NAME-br with NET.1/24 on this machine (the platform side:
#                                  Kafka, control database, services, router), and for each HOST a
#                                  namespace NAME-HOST with address NET.(10+i)/24 (i = 1, 2, ...),
#                                  loopback up; idempotent
#   hosts.sh down NAME             removes the namespaces NAME-* and the bridge NAME-br
#   hosts.sh cut NAME HOST         the host loses every packet in and out (a partition: tc blackhole qdisc)
#   hosts.sh heal NAME HOST        the host's link carries packets again
#   hosts.sh exec NAME HOST CMD... runs CMD inside the host's namespace
#
# NAME is short ([a-z0-9]{1,8}: interface names have 15 characters at most), NET three octets of a
# private /24 that is not in use here (e.g. 10.213.7).
set -euo pipefail

die() { echo "hosts.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "network namespaces need root"
cmd=${1:-}; name=${2:-}
[[ "$name" =~ ^[a-z0-9]{1,8}$ ]] || die "NAME must be 1-8 of [a-z0-9], not '$name'"
br="$name-br"

veth() { echo "$name-v$1"; }   # host side of host number $1 (the namespace side is eth0)
# runs a command in a host's namespace: nsenter joins only the network namespace ("ip netns exec" and "ip -n"
# also make / a slave mount, which fails where / is no mount point, e.g. in a chroot)
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

case "$cmd" in
  up)
    net=${3:-}; shift 3 || true
    [[ "$net" =~ ^10\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "NET must be three octets of 10.0.0.0/8, e.g. 10.213.7"
    [ $# -gt 0 ] || die "name at least one host"
    if ! ip link show "$br" >/dev/null 2>&1; then
      if ip -4 route show | grep -q "^$net\.0/24 "; then die "$net.0/24 is in use on this machine already"; fi
      ip link add "$br" type bridge
      ip addr add "$net.1/24" dev "$br"
      ip link set "$br" up
    fi
    i=0
    for host in "$@"; do
      i=$((i + 1))
      [[ "$host" =~ ^[a-z0-9]{1,4}$ ]] || die "HOST must be 1-4 of [a-z0-9], not '$host'"
      ns="$name-$host"
      ip netns list | grep -qw "^$ns" || ip netns add "$ns"
      if ! ip link show "$(veth "$i")" >/dev/null 2>&1; then
        ip link add "$(veth "$i")" type veth peer name eth0 netns "$ns"
        ip link set "$(veth "$i")" master "$br"
        ip link set "$(veth "$i")" up
        in_ns "$ns" ip addr add "$net.$((10 + i))/24" dev eth0
        in_ns "$ns" ip link set eth0 up
        in_ns "$ns" ip link set lo up
      fi
      echo "$host $ns $net.$((10 + i))"
    done
    ;;
  down)
    for ns in $(ip netns list | awk '{print $1}' | grep "^$name-" || true); do
      # whatever still runs inside goes with its namespace's last process
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
      ip netns del "$ns"
    done
    ip link del "$br" 2>/dev/null || true
    ;;
  cut|heal)
    host=${3:-}; ns="$name-$host"
    ip netns list | grep -qw "^$ns" || die "no host $host ($ns)"
    # the bridge port whose peer lives in the host's namespace
    dev=$(ip -o link show master "$br" | awk -v ns="$ns" '$0 ~ "link-netns " ns "( |$)" {split($2, a, "@"); print a[1]}')
    [ -n "$dev" ] || die "no link of host $host on $br"
    if [ "$cmd" = cut ]; then
      # every packet dropped silently both ways, as when a switch port or a zone's uplink fails: connections
      # hang, nothing is refused (the blackhole qdisc is built into every kernel with traffic control;
      # netem is a module some kernels lack)
      tc qdisc replace dev "$dev" root blackhole
      in_ns "$ns" tc qdisc replace dev eth0 root blackhole
    else
      tc qdisc del dev "$dev" root 2>/dev/null || true
      in_ns "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
    fi
    ;;
  exec)
    host=${3:-}; shift 3
    exec nsenter --net="/run/netns/$name-$host" -- "$@"
    ;;
  *) die "usage: hosts.sh up NAME NET HOST... | down NAME | cut NAME HOST | heal NAME HOST | exec NAME HOST CMD..." ;;
esac
