// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace schemaforge::testing {

// A throwaway certificate authority and one server certificate signed by it, written as PEM
// files. Generated fresh by every test run (EC P-256 keys, valid from one hour ago for one day),
// so that no private key is ever committed.
struct test_certificates {
  std::string ca_file;    // the CA certificate: what a client passes as its CA bundle
  std::string cert_file;  // the server certificate
  std::string key_file;   // the server's private key
};

// Writes ca.pem, <name>.pem and <name>.key into `directory` (created when missing). The server
// certificate names `dns_names` and `ip_addresses` as subject alternative names.
test_certificates make_test_certificates(const std::string& directory, const std::string& name,
                                         const std::vector<std::string>& dns_names,
                                         const std::vector<std::string>& ip_addresses);

// A second server certificate from the same CA (the CA written by make_test_certificates in the
// same directory is reused), e.g. one for another host name.
test_certificates add_server_certificate(const test_certificates& ca, const std::string& name,
                                         const std::vector<std::string>& dns_names,
                                         const std::vector<std::string>& ip_addresses);

}  // namespace schemaforge::testing
