#include "client/principals_client.h"

#include "client/methods.h"

namespace coffer::client {

PrincipalsClient::PrincipalsClient(ClientConfig config)
    : rpc_(std::make_shared<RpcClient>(std::move(config))) {}
PrincipalsClient::PrincipalsClient(std::shared_ptr<RpcClient> rpc) : rpc_(std::move(rpc)) {}

v1::PutPrincipalPolicyResponse PrincipalsClient::put_principal_policy(
    const v1::PutPrincipalPolicyRequest& request) {
  return rpc_->call<v1::PutPrincipalPolicyResponse>(method::kPutPrincipalPolicy, request);
}

v1::GetPrincipalPolicyResponse PrincipalsClient::get_principal_policy(
    const v1::GetPrincipalPolicyRequest& request) {
  return rpc_->call<v1::GetPrincipalPolicyResponse>(method::kGetPrincipalPolicy, request);
}

v1::DeletePrincipalPolicyResponse PrincipalsClient::delete_principal_policy(
    const v1::DeletePrincipalPolicyRequest& request) {
  return rpc_->call<v1::DeletePrincipalPolicyResponse>(method::kDeletePrincipalPolicy, request);
}

v1::ListPrincipalPoliciesResponse PrincipalsClient::list_principal_policies(
    const v1::ListPrincipalPoliciesRequest& request) {
  return rpc_->call<v1::ListPrincipalPoliciesResponse>(method::kListPrincipalPolicies, request);
}

v1::GetCallerIdentityResponse PrincipalsClient::get_caller_identity() {
  return rpc_->call<v1::GetCallerIdentityResponse>(method::kGetCallerIdentity,
                                                   v1::GetCallerIdentityRequest());
}

v1::ListServiceQuotasResponse PrincipalsClient::list_service_quotas() {
  return rpc_->call<v1::ListServiceQuotasResponse>(method::kListServiceQuotas,
                                                   v1::ListServiceQuotasRequest());
}

}  // namespace coffer::client
