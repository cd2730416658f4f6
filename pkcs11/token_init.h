// First-run initialisation of a token through PKCS#11 itself (C_InitToken, C_InitPIN):
// the PINs stay in this process's memory. Running softhsm2-util with --pin/--so-pin would
// put them on a command line that every user of the machine can read in ps.
#pragma once

#include <string>
#include <string_view>

namespace coffer::pkcs11 {

// Initialises the first slot whose token is not initialised yet (SoftHSM keeps one free
// slot) with `label`, sets the SO PIN and the user PIN. Throws coffer::Error when no such
// slot exists or a call fails.
void initialize_free_token(const std::string& module_path, std::string_view label,
                           std::string_view so_pin, std::string_view user_pin);

}  // namespace coffer::pkcs11
