# Sourced by up.sh: generates the cluster's PKI with openssl into a state
# directory. One CA signs every serving and client certificate (EC P-256 keys:
# fast to make, accepted by every component); the service-account tokens are
# signed with their own key pair.
set -euo pipefail

# sign STATE NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA,
# valid for 2 days (a test cluster lives for minutes).
sign() {
  local state=$1 name=$2 subj=$3 ext=$4
  openssl ecparam -name prime256v1 -genkey -noout -out "$state/$name.key" 2>/dev/null
  openssl req -new -key "$state/$name.key" -subj "$subj" -out "$state/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$state/$name.ext"
  openssl x509 -req -in "$state/$name.csr" -CA "$state/ca.crt" -CAkey "$state/ca.key" \
    -CAcreateserial -days 2 -sha256 -extfile "$state/$name.ext" -out "$state/$name.crt" 2>/dev/null
  rm -f "$state/$name.csr" "$state/$name.ext"
  chmod 600 "$state/$name.key"
}

client_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth'

# serving_ext SANS [EKU]: etcd also dials itself (its gRPC gateway) with its
# serving certificate, so it needs clientAuth as well.
serving_ext() {
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=%s\n' "${2:-serverAuth}" "$1"
}

generate_pki() {
  local state=$1
  openssl ecparam -name prime256v1 -genkey -noout -out "$state/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$state/ca.key" -subj "/CN=gvisor-iac-test-ca" -days 2 -sha256 \
    -addext 'basicConstraints=critical,CA:TRUE' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' \
    -out "$state/ca.crt" 2>/dev/null
  chmod 600 "$state/ca.key"

  sign "$state" apiserver "/CN=kube-apiserver" "$(serving_ext \
    "IP:127.0.0.1,IP:$SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local")"
  sign "$state" etcd "/CN=etcd" "$(serving_ext "IP:127.0.0.1,DNS:localhost" serverAuth,clientAuth)"
  sign "$state" apiserver-etcd-client "/CN=kube-apiserver-etcd-client" "$client_ext"
  sign "$state" apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client_ext"
  sign "$state" admin "/O=system:masters/CN=gvisor-iac-admin" "$client_ext"
  sign "$state" controller-manager "/CN=system:kube-controller-manager" "$client_ext"
  sign "$state" scheduler "/CN=system:kube-scheduler" "$client_ext"
  # For the node (test/cluster/node.sh): the kubelet's client identity, as the
  # Node authorizer and NodeRestriction expect it, and its serving certificate,
  # which the API server verifies against the CA.
  sign "$state" kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" "$client_ext"
  sign "$state" kubelet "/CN=$NODE_NAME" "$(serving_ext "IP:127.0.0.1,DNS:localhost,DNS:$NODE_NAME")"

  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$state/sa.key" 2>/dev/null
  openssl pkey -in "$state/sa.key" -pubout -out "$state/sa.pub" 2>/dev/null
  chmod 600 "$state/sa.key"
  rm -f "$state/ca.srl"
}
