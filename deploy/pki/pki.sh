#!/usr/bin/env bash
# pgflex platform PKI: one CA per installation, one certificate per component (service, node agent,
# gateway, broker, control-plane database). The local stack (./pgflex up) and the test kit issue
# their certificates with this same script, so what the tests trust is what the stack trusts.
#
#   pki.sh ca DIR                      creates DIR/ca.key (0600) and DIR/ca.crt unless they exist
#   pki.sh issue DIR NAME [SAN...]     issues DIR/NAME.crt and DIR/NAME.key (0600), and DIR/NAME.pem
#                                      (certificate, then key: HAProxy's and Kafka's one-file form),
#                                      CN=NAME, for server and client use; SANs default to
#                                      DNS:localhost and IP:127.0.0.1 (give e.g. DNS:db1 IP:10.0.0.7)
#
# Keys are ECDSA P-256, created with their final permissions (umask 077). A certificate is issued
# again when it is missing, expires within 30 days, was not signed by DIR/ca.crt, or has other SANs.
set -euo pipefail
umask 077
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: pki.sh ca DIR | pki.sh issue DIR NAME [SAN...]" >&2; exit 2; }
mkdir -p "$dir"

case "$cmd" in
  ca)
    if [ -s "$dir/ca.crt" ] && [ ! -s "$dir/ca.key" ]; then
      echo "pki.sh: $dir/ca.crt exists without ca.key: an operator CA needs its key here to issue certificates" >&2; exit 1
    fi
    if [ ! -s "$dir/ca.key" ] || [ ! -s "$dir/ca.crt" ]; then
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
      openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/O=pgflex/CN=pgflex platform CA" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$dir/ca.crt.tmp" 2>/dev/null
      chmod 644 "$dir/ca.crt.tmp"; mv "$dir/ca.crt.tmp" "$dir/ca.crt"
    fi
    ;;
  issue)
    name=${3:-}
    [[ "$name" =~ ^[a-z0-9][a-z0-9.-]*$ ]] || { echo "pki.sh: certificate name must be [a-z0-9.-]+, not '$name'" >&2; exit 2; }
    shift 3
    sans=("$@"); [ ${#sans[@]} -gt 0 ] || sans=(DNS:localhost IP:127.0.0.1)
    # a node agent's WAL scripts call it on https://127.0.0.1: its certificate always names loopback
    if [[ "$name" == node-agent.* ]] && [[ " ${sans[*]} " != *" IP:127.0.0.1 "* ]]; then sans+=(IP:127.0.0.1); fi
    san=$(IFS=,; echo "${sans[*]}")
    crt="$dir/$name.crt"
    if [ -s "$crt" ] && [ -s "$dir/$name.key" ] && [ -s "$dir/$name.pem" ] \
        && [ "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$dir/$name.key" -pubout 2>/dev/null)" ] \
        && openssl verify -CAfile "$dir/ca.crt" "$crt" >/dev/null 2>&1 \
        && openssl x509 -in "$crt" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 \
        && [ "$(openssl x509 -in "$crt" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' ')" \
             = "$(echo "$san" | sed 's/IP:/IPAddress:/g')" ]; then
      exit 0
    fi
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name.key.tmp" 2>/dev/null
    openssl req -new -key "$dir/$name.key.tmp" -subj "/O=pgflex/CN=$name" -out "$dir/$name.csr" 2>/dev/null
    ext=$(mktemp); trap 'rm -f "$ext" "$dir/$name.csr"' EXIT
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=%s\n' \
      "$san" > "$ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 825 -sha256 -extfile "$ext" -out "$crt.tmp" 2>/dev/null
    chmod 644 "$crt.tmp"
    mv "$dir/$name.key.tmp" "$dir/$name.key"; mv "$crt.tmp" "$crt"
    cat "$crt" "$dir/$name.key" > "$dir/$name.pem.tmp"; mv "$dir/$name.pem.tmp" "$dir/$name.pem"
    ;;
  *) echo "usage: pki.sh ca DIR | pki.sh issue DIR NAME [SAN...]" >&2; exit 2 ;;
esac
