#!/bin/sh
# Regenerates the fixtures of externalclient_test.go with openssl alone, so that the client's
# decryption is checked against an implementation that is neither Go's nor the emulator's.
# Run from anywhere: sh internal/client/testdata/externalclient/gen.sh (OpenSSL 3).
# The keys are test keys, made for these tests and used nowhere else.
set -eu
cd "$(dirname "$0")"

# The trusted client: RSA key (PKCS #8, as openssl 3 writes it, and PKCS #1) and its
# self-signed certificate (API doc section 4.1, "Setup").
openssl genrsa -out key.pem 2048
openssl rsa -in key.pem -traditional -out key_pkcs1.pem
openssl req -x509 -new -key key.pem -sha256 -days 36500 -subj "/CN=idcsmfa test trusted client" -out cert.pem

# What must be refused: another RSA key (with its own certificate), an EC key and
# certificate, a passphrase-protected key.
openssl genrsa -out other_key.pem 2048
openssl req -x509 -new -key other_key.pem -sha256 -days 36500 -subj "/CN=idcsmfa test other client" -out other_cert.pem
openssl ecparam -name prime256v1 -genkey -noout -out ec_key.pem
openssl req -x509 -new -key ec_key.pem -sha256 -days 36500 -subj "/CN=idcsmfa test ec" -out ec_cert.pem
openssl pkcs8 -topk8 -in key.pem -v2 aes-256-cbc -passout pass:fixture -out key_encrypted.pem

# The passcode, encrypted for the certificate as the identity domain does: RSAES-OAEP with
# SHA-1 and MGF1-SHA-1, then standard base64 (otp.value).
printf '%s' 482913 > otp.txt
openssl pkeyutl -encrypt -certin -inkey cert.pem \
	-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 \
	-in otp.txt | openssl base64 -A > otp.b64

# x5t: base64url, unpadded, of the SHA-1 of the DER certificate (RFC 7515 section 4.1.7).
openssl x509 -in cert.pem -outform DER | openssl dgst -sha1 -binary | openssl base64 -A |
	tr '+/' '-_' | tr -d '=' > x5t.txt
