package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// tlsConfig returns the TLS configuration the flags ask for, or nil for plain HTTP.
func (s *serveCmd) tlsConfig() (*tls.Config, error) {
	switch {
	case s.TLSSelfSigned != "" && (s.TLSCert != "" || s.TLSKey != ""):
		return nil, errors.New("use either --tls-self-signed or --tls-cert/--tls-key, not both")
	case (s.TLSCert == "") != (s.TLSKey == ""):
		return nil, errors.New("--tls-cert and --tls-key go together")
	case s.TLSSelfSigned != "":
		cert, err := selfSigned(s.TLSSelfSigned)
		if err != nil {
			return nil, err
		}
		return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
	case s.TLSCert != "":
		cert, err := tls.LoadX509KeyPair(s.TLSCert, s.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load TLS key pair: %w", err)
		}
		return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
	}
	return nil, nil
}

// selfSigned creates a certificate for localhost, 127.0.0.1 and ::1, valid for a year, and
// writes it as DIR/cert.pem (for clients to trust) and the key as DIR/key.pem (mode 0600).
func selfSigned(dir string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"phonenumbers self-signed"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tls.Certificate{}, fmt.Errorf("--tls-self-signed: %w", err)
	}
	if err := replaceFile(dir, "key.pem", keyPEM, 0o600); err != nil {
		return tls.Certificate{}, fmt.Errorf("--tls-self-signed: %w", err)
	}
	if err := replaceFile(dir, "cert.pem", certPEM, 0o644); err != nil {
		return tls.Certificate{}, fmt.Errorf("--tls-self-signed: %w", err)
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

// replaceFile writes data to dir/name with exactly perm. It writes a new file (created
// 0600 by os.CreateTemp, so the key is never readable by others, even briefly) and renames
// it over name: an existing file keeps neither its content nor its mode, and a symbolic
// link at name is replaced, never followed, so its target is left alone.
func replaceFile(dir, name string, data []byte, perm os.FileMode) (err error) {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}
