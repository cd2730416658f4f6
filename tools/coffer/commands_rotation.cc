// Key rotation: enable-key-rotation, disable-key-rotation, get-key-rotation-status,
// rotate-key-on-demand, list-key-rotations.
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"

namespace coffer::tools::cli {
namespace {

void enable_key_rotation(Context& c) {
  v1::EnableKeyRotationRequest request;
  request.set_key_id(key_id_or_arn(c));
  if (auto days = c.args().get_int("rotation-period-in-days")) {
    request.set_rotation_period_in_days(static_cast<std::int32_t>(*days));
  }
  print_empty(c, c.client().enable_key_rotation(request));
}

void disable_key_rotation(Context& c) {
  v1::DisableKeyRotationRequest request;
  request.set_key_id(key_id_or_arn(c));
  print_empty(c, c.client().disable_key_rotation(request));
}

void get_key_rotation_status(Context& c) {
  v1::GetKeyRotationStatusRequest request;
  request.set_key_id(key_id_or_arn(c));
  auto r = c.client().get_key_rotation_status(request);
  if (c.json()) return print_json(r);
  print_fields({
      {"KeyId", r.key_id()},
      {"KeyRotationEnabled", yes_no(r.key_rotation_enabled())},
      {"RotationPeriodInDays",
       r.has_rotation_period_in_days() ? std::to_string(r.rotation_period_in_days()) : "-"},
      {"NextRotationDate", format_time(r.next_rotation_date(), r.has_next_rotation_date())},
      {"OnDemandRotationStartDate",
       format_time(r.on_demand_rotation_start_date(), r.has_on_demand_rotation_start_date())},
  });
}

void rotate_key_on_demand(Context& c) {
  v1::RotateKeyOnDemandRequest request;
  request.set_key_id(key_id_or_arn(c));
  auto response = c.client().rotate_key_on_demand(request);
  if (c.json()) return print_json(response);
  print_fields({{"KeyId", response.key_id()}});
}

void list_key_rotations(Context& c) {
  v1::ListKeyRotationsRequest request;
  request.set_key_id(key_id_or_arn(c));
  auto response = fetch_pages(
      c.args(), request,
      [&](const v1::ListKeyRotationsRequest& r) { return c.client().list_key_rotations(r); },
      [](v1::ListKeyRotationsResponse& into, const v1::ListKeyRotationsResponse& page) {
        into.mutable_rotations()->MergeFrom(page.rotations());
      });
  if (c.json()) return print_json(response);
  Table table({"KEY ID", "KEY MATERIAL ID", "ROTATION DATE", "TYPE"});
  for (const auto& r : response.rotations()) {
    table.add({r.key_id(), r.key_material_id(),
               format_time(r.rotation_date(), r.has_rotation_date()), r.rotation_type()});
  }
  table.print();
  print_next_marker(response);
}

}  // namespace

void add_rotation_commands(std::vector<Command>& out) {
  out.push_back({"enable-key-rotation",
                 "Rotate a key's material automatically",
                 {key_id_option(),
                  {"rotation-period-in-days", "DAYS", "Days between rotations (default 365)", false,
                   false, IntRange{90, 2560}}},
                 enable_key_rotation});
  out.push_back(
      {"disable-key-rotation", "Stop automatic rotation", {key_id_option()}, disable_key_rotation});
  out.push_back({"get-key-rotation-status",
                 "Show whether and when a key rotates",
                 {key_id_option()},
                 get_key_rotation_status});
  out.push_back({"rotate-key-on-demand",
                 "Rotate a key's material now (at most 25 times per key)",
                 {key_id_option()},
                 rotate_key_on_demand});
  out.push_back({"list-key-rotations", "List the rotations of a key",
                 with({key_id_option()}, page_options()), list_key_rotations});
}

}  // namespace coffer::tools::cli
