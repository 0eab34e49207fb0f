// SPDX-License-Identifier: MIT
// The certificates are made with OpenSSL's C API rather than the openssl program, so that the
// tests need nothing beyond the libraries they link.
#include "test_certificates.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace schemaforge::testing {
namespace {

struct pkey_free { void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); } };
struct x509_free { void operator()(X509* p) const noexcept { X509_free(p); } };
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificates: ") + what + " failed");
}

pkey_ptr new_key() {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  require(key != nullptr, "key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  require(ext != nullptr, "certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

x509_ptr new_certificate(EVP_PKEY* key, const std::string& common_name, long serial) {
  x509_ptr cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("schemaforge tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  return cert;
}

void write_certificate(const std::string& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  require(f != nullptr, "opening a certificate file");
  const bool ok = PEM_write_X509(f, cert) == 1;
  std::fclose(f);
  require(ok, "writing a certificate");
}

void write_key(const std::string& path, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  require(f != nullptr, "opening a key file");
  const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  require(ok, "writing a key");
}

template <class T, class Read>
T read_pem(const std::string& path, Read read) {
  FILE* f = std::fopen(path.c_str(), "r");
  require(f != nullptr, "opening a PEM file");
  T value(read(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  require(value != nullptr, "reading a PEM file");
  return value;
}

std::string ca_key_path(const std::string& ca_file) { return ca_file.substr(0, ca_file.size() - 4) + ".key"; }

test_certificates issue(X509* ca_cert, EVP_PKEY* ca_key, const std::string& ca_file, const std::string& directory,
                        const std::string& name, const std::vector<std::string>& dns_names,
                        const std::vector<std::string>& ip_addresses, long serial) {
  pkey_ptr key = new_key();
  const std::string common_name = !dns_names.empty() ? dns_names.front()
                                  : !ip_addresses.empty() ? ip_addresses.front() : name;
  x509_ptr cert = new_certificate(key.get(), common_name, serial);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert));
  std::string names;
  for (const auto& dns : dns_names) names += (names.empty() ? "" : ",") + std::string("DNS:") + dns;
  for (const auto& ip : ip_addresses) names += (names.empty() ? "" : ",") + std::string("IP:") + ip;
  add_extension(cert.get(), ca_cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca_cert, NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca_cert, NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), ca_cert, NID_subject_key_identifier, "hash");
  add_extension(cert.get(), ca_cert, NID_authority_key_identifier, "keyid:always");
  if (!names.empty()) add_extension(cert.get(), ca_cert, NID_subject_alt_name, names);
  require(X509_sign(cert.get(), ca_key, EVP_sha256()) > 0, "signing the server certificate");

  test_certificates out;
  out.ca_file = ca_file;
  out.cert_file = directory + "/" + name + ".pem";
  out.key_file = directory + "/" + name + ".key";
  write_certificate(out.cert_file, cert.get());
  write_key(out.key_file, key.get());
  return out;
}

}  // namespace

test_certificates make_test_certificates(const std::string& directory, const std::string& name,
                                         const std::vector<std::string>& dns_names,
                                         const std::vector<std::string>& ip_addresses) {
  std::filesystem::create_directories(directory);
  pkey_ptr ca_key = new_key();
  x509_ptr ca = new_certificate(ca_key.get(), "schemaforge test CA", 1);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  require(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "signing the CA certificate");
  const std::string ca_file = directory + "/ca.pem";
  write_certificate(ca_file, ca.get());
  write_key(ca_key_path(ca_file), ca_key.get());
  return issue(ca.get(), ca_key.get(), ca_file, directory, name, dns_names, ip_addresses, 2);
}

test_certificates add_server_certificate(const test_certificates& ca, const std::string& name,
                                         const std::vector<std::string>& dns_names,
                                         const std::vector<std::string>& ip_addresses) {
  auto ca_cert = read_pem<x509_ptr>(ca.ca_file, PEM_read_X509);
  auto ca_key = read_pem<pkey_ptr>(ca_key_path(ca.ca_file), PEM_read_PrivateKey);
  const std::string directory = std::filesystem::path(ca.ca_file).parent_path().string();
  static long serial = 100;
  return issue(ca_cert.get(), ca_key.get(), ca.ca_file, directory, name, dns_names, ip_addresses, ++serial);
}

}  // namespace schemaforge::testing
