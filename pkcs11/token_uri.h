// Selects a token by an RFC 7512 "pkcs11:" URI (token label, serial, manufacturer, model,
// slot-id), parsed by p11-kit.
#pragma once

#include <string>

#include "pkcs11/module.h"

namespace coffer::pkcs11 {

// Returns the one slot whose token matches; throws NotFound when none does and
// Validation when the URI does not parse or matches several tokens.
CK_SLOT_ID find_slot(const Module& module, const std::string& uri);

}  // namespace coffer::pkcs11
