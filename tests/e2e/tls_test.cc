// The client over TLS 1.3 to a real cofferd: server certificate checked against the CA
// file and the name dialled, API keys over TLS, and mutual TLS with a client certificate.
#include <cstdlib>
#include <fstream>

#include "tests/e2e/kms_fixture.h"
#include "tests/support/error_matchers.h"

namespace coffer::testing {
namespace {

// Throw-away PKI made with the openssl command: two CAs, server and client certificates.
class Pki {
 public:
  explicit Pki(const std::string& dir) : dir_(dir) {
    make_ca("ca");
    make_ca("other-ca");
    make_leaf("server", "ca", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    make_leaf("wrong-name", "ca", "elsewhere.example", "subjectAltName=DNS:elsewhere.example");
    make_leaf("client", "ca", "e2e-client", "extendedKeyUsage=clientAuth");
    make_leaf("app", "ca", "app-7",
              "extendedKeyUsage=clientAuth\nsubjectAltName=URI:spiffe://coffer.test/role/AppRole");
    make_leaf("ops", "ca", "ops-admin", "extendedKeyUsage=clientAuth");
  }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }

 private:
  void run(const std::string& command) {
    const std::string full = "cd '" + dir_ + "' && " + command + " >/dev/null 2>&1";
    if (std::system(full.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }
  void make_ca(const std::string& name) {
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
        ".key -out " + name + ".pem -days 2 -subj /CN=" + name);
  }
  void make_leaf(const std::string& name, const std::string& ca, const std::string& cn,
                 const std::string& ext) {
    std::ofstream(file(name + ".ext")) << ext << "\n";
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
        ".key -out " + name + ".csr -subj /CN=" + cn);
    run("openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
        ".key -CAcreateserial -out " + name + ".pem -days 2 -extfile " + name + ".ext");
  }
  std::string dir_;
};

class TlsE2eTest : public ::testing::Test {
 protected:
  // A TLS daemon (credentials required) presenting `server_cert`.
  void start(const std::string& server_cert, bool client_ca = false,
             const std::string& principal_rules = "") {
    CofferdOptions options{.plaintext = false, .unauthenticated = false};
    options.extra_args = {"--tls-cert", pki_.file(server_cert + ".pem"), "--tls-key",
                          pki_.file(server_cert + ".key")};
    if (client_ca)
      options.extra_args.insert(options.extra_args.end(), {"--tls-client-ca", pki_.file("ca.pem")});
    if (!principal_rules.empty())
      options.extra_args.insert(options.extra_args.end(),
                                {"--tls-client-principal-rules", principal_rules});
    daemon_ = std::make_unique<CofferdProcess>(dir_.path() + "/state", options);
  }
  client::ClientConfig tls_config(const std::string& host = "127.0.0.1") {
    auto config = daemon_->client_config();
    config.endpoint = host + ":" + std::to_string(daemon_->port());
    config.tls = true;
    config.ca_file = pki_.file("ca.pem");
    return config;
  }
  void TearDown() override {
    if (daemon_ && daemon_->running()) {
      EXPECT_EQ(daemon_->stop(), 0) << daemon_->log();
    }
  }

  TempDir dir_;
  Pki pki_{dir_.path()};
  std::unique_ptr<CofferdProcess> daemon_;
};

v1::GenerateRandomRequest eight_bytes() {
  v1::GenerateRandomRequest r;
  r.set_number_of_bytes(8);
  return r;
}

TEST_F(TlsE2eTest, ApiKeyOverVerifiedTls) {
  start("server");
  auto config = tls_config();
  config.api_key = daemon_->admin_api_key();
  client::KmsClient kms(config);
  EXPECT_EQ(kms.generate_random(eight_bytes()).plaintext().size(), 8u);
  v1::CreateKeyRequest create;
  EXPECT_FALSE(kms.create_key(create).key_metadata().key_id().empty());

  auto by_name = tls_config("localhost");  // the DNS name in the certificate
  by_name.api_key = config.api_key;
  EXPECT_EQ(client::KmsClient(by_name).generate_random(eight_bytes()).plaintext().size(), 8u);

  auto no_key = tls_config();  // TLS alone is no principal
  EXPECT_THAT([&] { client::KmsClient(no_key).generate_random(eight_bytes()); },
              ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(TlsE2eTest, ServerSignedByAnotherCaIsRefused) {
  start("server");
  auto config = tls_config();
  config.api_key = daemon_->admin_api_key();
  config.ca_file = pki_.file("other-ca.pem");
  EXPECT_THAT([&] { client::KmsClient(config).generate_random(eight_bytes()); },
              ThrowsError(ErrorCode::kAccessDenied, ::testing::HasSubstr("TLS handshake")));
}

TEST_F(TlsE2eTest, CertificateForAnotherNameIsRefused) {
  start("wrong-name");
  auto config = tls_config();
  config.api_key = daemon_->admin_api_key();
  EXPECT_THAT([&] { client::KmsClient(config).generate_random(eight_bytes()); },
              ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(TlsE2eTest, MutualTlsNeedsNoApiKey) {
  start("server", /*client_ca=*/true);
  auto config = tls_config();
  config.cert_file = pki_.file("client.pem");
  config.key_file = pki_.file("client.key");
  client::KmsClient kms(config);
  EXPECT_EQ(kms.generate_random(eight_bytes()).plaintext().size(), 8u);
  v1::CreateKeyRequest create;
  EXPECT_FALSE(kms.create_key(create).key_metadata().key_id().empty());
}

// The configured rule, not the common name, says who a certificate is: the SPIFFE URI makes
// role/AppRole (which has no identity policy, so CreateKey names it in the denial), an exact
// CN makes the account's root, and a certificate no rule maps authenticates nothing.
TEST_F(TlsE2eTest, ClientCertificatesMapToPrincipalsByTheConfiguredRules) {
  start("server", /*client_ca=*/true,
        "san_uri=spiffe://coffer.test/role/* => role/$1; cn=ops-admin => root");
  const auto as = [&](const std::string& leaf) {
    auto config = tls_config();
    config.cert_file = pki_.file(leaf + ".pem");
    config.key_file = pki_.file(leaf + ".key");
    return config;
  };
  v1::CreateKeyRequest create;
  client::KmsClient ops(as("ops"));
  EXPECT_FALSE(ops.create_key(create).key_metadata().key_id().empty());

  client::KmsClient app(as("app"));
  EXPECT_THAT([&] { app.create_key(create); },
              ThrowsError(ErrorCode::kAccessDenied,
                          ::testing::HasSubstr("User: arn:aws:iam::111122223333:role/AppRole is "
                                               "not authorized to perform: kms:CreateKey")));

  client::KmsClient unmapped(as("client"));  // CN=e2e-client: no rule names it
  EXPECT_THAT([&] { unmapped.generate_random(eight_bytes()); },
              ThrowsError(ErrorCode::kAccessDenied, ::testing::HasSubstr("Missing credentials")));
  auto with_key = as("client");  // ...but it may still present an access key
  with_key.api_key = daemon_->admin_api_key();
  EXPECT_EQ(client::KmsClient(with_key).generate_random(eight_bytes()).plaintext().size(), 8u);
  EXPECT_THAT(daemon_->log(), ::testing::HasSubstr("rpc_client_certificate_unmapped"));
}

TEST_F(TlsE2eTest, PrincipalRulesAreCheckedBeforeCofferdStarts) {
  EXPECT_THAT([&] { start("server", /*client_ca=*/true, "cn=* => arn:aws:iam::1:root"); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  ::testing::HasSubstr("the principal must be root, user/NAME or role/NAME")));
  EXPECT_THAT([&] { start("server", /*client_ca=*/false, "cn=* => root"); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  ::testing::HasSubstr("tls_client_principal_rules needs tls_client_ca")));
}

TEST(TlsConfig, MissingFilesAreValidationErrors) {
  client::ClientConfig config;
  config.ca_file = "/nonexistent/ca.pem";
  EXPECT_THAT([&] { client::RpcClient rpc(config); }, ThrowsError(ErrorCode::kValidation));
  config.ca_file.clear();
  config.cert_file = "/nonexistent/client.pem";  // and no key
  EXPECT_THAT([&] { client::RpcClient rpc(config); }, ThrowsError(ErrorCode::kValidation));
}

}  // namespace
}  // namespace coffer::testing
