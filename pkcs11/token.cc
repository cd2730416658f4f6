// Token set-up, object lookup, destruction and random bytes.
#include "pkcs11/token.h"

#include <openssl/rand.h>

#include "pkcs11/attribute_template.h"
#include "pkcs11/token_uri.h"

namespace coffer::pkcs11 {
namespace {

// Ends a C_FindObjects operation on every path out of a search.
class FindScope {
 public:
  FindScope(const CK_FUNCTION_LIST* functions, CK_SESSION_HANDLE session, AttributeTemplate& query)
      : functions_(functions), session_(session) {
    P11_REQUIRE(functions_, C_FindObjectsInit, session_, query.data(), query.size());
  }
  ~FindScope() { P11(functions_, C_FindObjectsFinal, session_); }
  std::vector<CK_OBJECT_HANDLE> next(CK_ULONG max) {
    std::vector<CK_OBJECT_HANDLE> found(max);
    CK_ULONG count = 0;
    P11_REQUIRE(functions_, C_FindObjects, session_, found.data(), max, &count);
    found.resize(count);
    return found;
  }

 private:
  const CK_FUNCTION_LIST* functions_;
  CK_SESSION_HANDLE session_;
};

}  // namespace

Token::Token(const TokenConfig& config)
    : module_(config.module_path),
      quirks_(quirks_named(config.quirks)),
      pool_(module_, find_slot(module_, config.token_uri), config.pin, quirks_, config.pool) {}

Token::~Token() = default;

CK_OBJECT_HANDLE Token::find_object(CK_SESSION_HANDLE session, CK_OBJECT_CLASS object_class,
                                    const KeyId& id) {
  if (auto cached = handles_.get(object_class, id)) return *cached;
  AttributeTemplate query;
  query.add_ulong(CKA_CLASS, object_class).add_string(CKA_ID, id);
  std::vector<CK_OBJECT_HANDLE> found;
  {
    FindScope search(functions(), session, query);
    found = search.next(2);
  }
  if (found.empty())
    throw Error(ErrorCode::kNotFound, "no key object with id '" + id + "' in the token");
  if (found.size() > 1) {
    throw Error(ErrorCode::kInternal, "several key objects share id '" + id + "' in the token");
  }
  handles_.put(object_class, id, found.front());
  return found.front();
}

bool Token::exists(const KeyId& id) {
  return with_session(true, [&](CK_SESSION_HANDLE session) {
    for (CK_OBJECT_CLASS c : {CKO_SECRET_KEY, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
      try {
        find_object(session, c, id);
        return true;
      } catch (const Error& error) {
        if (error.code() != ErrorCode::kNotFound) throw;
      }
    }
    return false;
  });
}

void Token::destroy(const KeyId& id) {
  handles_.forget_all(id);
  with_session(true, [&](CK_SESSION_HANDLE session) {
    AttributeTemplate query;
    query.add_string(CKA_ID, id);
    std::vector<CK_OBJECT_HANDLE> found;
    {
      FindScope search(functions(), session, query);
      found = search.next(16);
    }
    for (CK_OBJECT_HANDLE handle : found) {
      CK_RV rv = P11(functions(), C_DestroyObject, session, handle);
      // Repeating after a lost session may find an object already gone: that is success.
      if (rv != CKR_OK && !is_handle_stale(rv)) throw_ckr("C_DestroyObject", rv);
    }
  });
}

void Token::copy_to_session(const KeyId& source, const KeyId& new_id) {
  AttributeTemplate changes;
  changes.add_bool(CKA_TOKEN, false).add_string(CKA_ID, new_id);
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE original = find_object(session, CKO_SECRET_KEY, source);
    CK_OBJECT_HANDLE copy;
    P11_REQUIRE(functions(), C_CopyObject, session, original, changes.data(), changes.size(),
                &copy);
    handles_.put(CKO_SECRET_KEY, new_id, copy);
  });
}

void Token::destroy_made(const KeyId& id) {
  std::vector<CK_OBJECT_HANDLE> known;
  for (CK_OBJECT_CLASS c : {CKO_SECRET_KEY, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY})
    if (auto handle = handles_.get(c, id)) known.push_back(*handle);
  if (known.empty()) return destroy(id);
  handles_.forget_all(id);
  with_session(true, [&](CK_SESSION_HANDLE session) {
    for (CK_OBJECT_HANDLE handle : known) {
      CK_RV rv = P11(functions(), C_DestroyObject, session, handle);
      if (rv != CKR_OK && !is_handle_stale(rv)) throw_ckr("C_DestroyObject", rv);
    }
  });
}

std::vector<KeyId> Token::list_key_ids() {
  return with_session(true, [&](CK_SESSION_HANDLE session) {
    std::vector<KeyId> ids;
    AttributeTemplate query;
    query.add_bool(CKA_TOKEN, true);
    FindScope search(functions(), session, query);
    for (;;) {
      auto batch = search.next(64);
      if (batch.empty()) break;
      for (CK_OBJECT_HANDLE handle : batch) {
        CK_ATTRIBUTE attribute{CKA_ID, nullptr, 0};
        if (P11(functions(), C_GetAttributeValue, session, handle, &attribute, 1) != CKR_OK)
          continue;
        if (attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION || attribute.ulValueLen == 0)
          continue;
        std::string id(attribute.ulValueLen, '\0');
        attribute.pValue = id.data();
        if (P11(functions(), C_GetAttributeValue, session, handle, &attribute, 1) != CKR_OK)
          continue;
        ids.push_back(std::move(id));
      }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  });
}

SecretBytes Token::read_plain_value(const KeyId& id) {
  return with_object(CKO_SECRET_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    CK_ATTRIBUTE attribute{CKA_VALUE, nullptr, 0};
    P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &attribute, 1);
    SecretBytes value(attribute.ulValueLen);
    attribute.pValue = value.data();
    P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &attribute, 1);
    return value;
  });
}

void Token::random_into(std::span<std::uint8_t> out) {
  if (out.empty()) return;  // C_GenerateRandom refuses a NULL buffer even for 0 bytes
  with_session(true, [&](CK_SESSION_HANDLE session) {
    P11_REQUIRE(functions(), C_GenerateRandom, session, out.data(),
                static_cast<CK_ULONG>(out.size()));
  });
}

SecretBytes Token::random(std::size_t size) {
  SecretBytes out(size);
  random_into(out.span());
  return out;
}

void Token::check_single_call_input(std::size_t size, const char* operation) const {
  if (quirks_.max_single_call_input != 0 && size > quirks_.max_single_call_input) {
    throw Error(ErrorCode::kValidation, std::string(operation) + " input of " +
                                            std::to_string(size) +
                                            " bytes exceeds this token's limit of " +
                                            std::to_string(quirks_.max_single_call_input));
  }
}

}  // namespace coffer::pkcs11
