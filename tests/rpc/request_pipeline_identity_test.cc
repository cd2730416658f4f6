// Which access key a request's audit record names: the key that authenticated that request,
// even when the connection sent another key before the first was checked (a check that
// misses the cache runs on a worker while the connection goes on reading).
#include "server/rpc/request_pipeline.h"

#include <gtest/gtest.h>

namespace coffer::server::rpc {
namespace {

v1::RequestFrame frame(std::uint64_t id, const std::string& api_key) {
  v1::RequestFrame request;
  request.set_request_id(id);
  request.set_method("coffer.v1.Crypto/GenerateRandom");
  request.set_api_key(api_key);
  return request;
}

class RequestPipelineIdentity : public ::testing::Test {
 protected:
  RequestPipelineIdentity() {
    dispatcher_.add("coffer.v1.Crypto/GenerateRandom",
                    [](const RequestContext&, const std::string&) { return std::string(); });
  }
  Dispatcher dispatcher_;
  // Every key is valid and names the principal "p-<id>"; the cache knows only CACHED.
  RequestPipeline pipeline_{dispatcher_,
                            [](std::string_view key) -> std::optional<std::string> {
                              return "p-" + std::string(key.substr(0, key.find(':')));
                            },
                            [](std::string_view key) {
                              CachedAuthentication cached;
                              if (key.starts_with("CACHED:")) {
                                cached.known = CachedAuthentication::Known::kValid;
                                cached.principal = "p-CACHED";
                              }
                              return cached;
                            },
                            /*allow_unauthenticated=*/false};
};

TEST_F(RequestPipelineIdentity, EachRequestNamesTheKeyThatAuthenticatedIt) {
  PeerIdentity peer;
  const auto first = frame(1, "FIRST:secret-1");
  const auto step1 = pipeline_.admit(first, peer);
  ASSERT_EQ(step1.kind, RequestPipeline::Step::Kind::kAuthenticate);

  // Before the first key's check comes back, the connection sends a second (cached) key.
  const auto second = frame(2, "CACHED:secret-2");
  const auto step2 = pipeline_.admit(second, peer);
  ASSERT_EQ(step2.kind, RequestPipeline::Step::Kind::kExecute);
  EXPECT_EQ(step2.principal, "p-CACHED");
  EXPECT_EQ(step2.access_key_id, "CACHED");

  const auto checked = pipeline_.authenticate(first, step1.api_key);
  ASSERT_EQ(checked.kind, RequestPipeline::Step::Kind::kExecute);
  EXPECT_EQ(checked.principal, "p-FIRST");
  EXPECT_EQ(checked.access_key_id, "FIRST");  // not the connection's current key
}

TEST_F(RequestPipelineIdentity, ACertificateHasNoAccessKeyId) {
  PeerIdentity peer;
  peer.certificate_principal = "role/App";
  const auto step = pipeline_.admit(frame(1, "CACHED:secret"), peer);
  ASSERT_EQ(step.kind, RequestPipeline::Step::Kind::kExecute);
  EXPECT_EQ(step.principal, "role/App");
  EXPECT_TRUE(step.access_key_id.empty());
}

}  // namespace
}  // namespace coffer::server::rpc
