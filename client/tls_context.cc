#include "client/tls_context.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include "common/error.h"

namespace coffer::client {
namespace {

namespace ssl = boost::asio::ssl;

void load(const char* what, const std::string& path, auto&& loader) {
  boost::system::error_code ec;
  loader(ec);
  if (ec)
    throw Error(ErrorCode::kValidation,
                std::string("cannot load ") + what + " " + path + ": " + ec.message());
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const ClientConfig& config) {
  std::unique_ptr<ssl::context> context;
  if (config.tls_libctx != nullptr) {
    SSL_CTX* handle = SSL_CTX_new_ex(config.tls_libctx, nullptr, TLS_client_method());
    if (handle == nullptr)
      throw Error(ErrorCode::kInternal, "cannot make a TLS context in the given library context");
    context = std::make_unique<ssl::context>(handle);  // takes ownership
  } else {
    context = std::make_unique<ssl::context>(ssl::context::tls_client);
  }
  // PROTOCOL.md: the server accepts TLS 1.3 only, so offering less gains nothing.
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_3_VERSION) != 1) {
    throw Error(ErrorCode::kInternal, "OpenSSL refuses TLS 1.3 as the minimum version");
  }
  context->set_verify_mode(ssl::verify_peer);
  if (config.ca_file.empty()) {
    load("the system trust store", "", [&](auto& ec) { context->set_default_verify_paths(ec); });
  } else {
    load("CA file", config.ca_file,
         [&](auto& ec) { context->load_verify_file(config.ca_file, ec); });
  }
  if (!config.cert_file.empty() || !config.key_file.empty()) {
    if (config.cert_file.empty() || config.key_file.empty()) {
      throw Error(ErrorCode::kValidation,
                  "mutual TLS needs both a certificate file and a key file");
    }
    load("client certificate", config.cert_file,
         [&](auto& ec) { context->use_certificate_chain_file(config.cert_file, ec); });
    load("client key", config.key_file,
         [&](auto& ec) { context->use_private_key_file(config.key_file, ssl::context::pem, ec); });
  }
  return context;
}

void expect_server_name(ssl::stream<boost::asio::ip::tcp::socket>& stream,
                        const std::string& host) {
  SSL* ssl_handle = stream.native_handle();
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  const bool is_ip = !ec;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
  // SNI carries names only (RFC 6066); an IP is matched against the iPAddress SAN.
  const bool ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                        : SSL_set_tlsext_host_name(ssl_handle, host.c_str()) == 1 &&
                              SSL_set1_host(ssl_handle, host.c_str()) == 1;
  if (!ok) throw Error(ErrorCode::kValidation, "cannot set the expected TLS server name " + host);
}

}  // namespace coffer::client
