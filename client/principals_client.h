// Typed access to every coffer.v1.Principals method (docs/PROTOCOL.md, "Principals"): identity
// policies attached to a role or user, and the caller's identity; and to coffer.v1.Quotas. One
// blocking call per method, throwing coffer::Error. Shares an RpcClient (and its connection) with a
// KmsClient when given the same one.
#pragma once

#include <memory>

#include "client/client_config.h"
#include "client/rpc_client.h"
#include "coffer/v1/principals.pb.h"
#include "coffer/v1/quotas.pb.h"

namespace coffer::client {

class PrincipalsClient {
 public:
  explicit PrincipalsClient(ClientConfig config);
  explicit PrincipalsClient(std::shared_ptr<RpcClient> rpc);

  v1::PutPrincipalPolicyResponse put_principal_policy(const v1::PutPrincipalPolicyRequest& request);
  v1::GetPrincipalPolicyResponse get_principal_policy(const v1::GetPrincipalPolicyRequest& request);
  v1::DeletePrincipalPolicyResponse delete_principal_policy(
      const v1::DeletePrincipalPolicyRequest& request);
  v1::ListPrincipalPoliciesResponse list_principal_policies(
      const v1::ListPrincipalPoliciesRequest& request);
  v1::GetCallerIdentityResponse get_caller_identity();
  // coffer.v1.Quotas: the request quotas in force (an administrator's call, like the above).
  v1::ListServiceQuotasResponse list_service_quotas();

 private:
  std::shared_ptr<RpcClient> rpc_;
};

}  // namespace coffer::client
