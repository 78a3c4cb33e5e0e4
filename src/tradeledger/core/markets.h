// Per-symbol facts the ledger needs outside the engine (names, asset codes, scales, fees),
// derived once from the engine configuration so rendering never searches the config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/market_spec.h"

namespace mc::tradeledger {

struct symbol_info {
  std::string name;   // "BTC-USD"
  std::string base;   // "BTC"
  std::string quote;  // "USD"
  engine::asset_id base_asset = 0;
  engine::asset_id quote_asset = 0;
  int base_scale = 0;
  int quote_scale = 0;
  std::int64_t base_unit = 1;  // 10^base_scale
  int maker_fee_bps = 0;
  int taker_fee_bps = 0;
};

class market_table {
 public:
  explicit market_table(const engine::engine_config& config) {
    for (const auto& m : config.markets) {
      symbol_info s;
      s.name = m.name;
      s.base = config.assets[m.base].code;
      s.quote = config.assets[m.quote].code;
      s.base_asset = m.base;
      s.quote_asset = m.quote;
      s.base_scale = config.assets[m.base].scale;
      s.quote_scale = config.assets[m.quote].scale;
      s.base_unit = engine::pow10(s.base_scale);
      s.maker_fee_bps = m.maker_fee_bps;
      s.taker_fee_bps = m.taker_fee_bps;
      symbols_.push_back(std::move(s));
    }
    for (const auto& a : config.assets) assets_.push_back({a.code, a.scale});
  }

  const std::vector<symbol_info>& symbols() const { return symbols_; }
  const symbol_info& at(engine::symbol_id id) const { return symbols_[id]; }
  const symbol_info* find(std::string_view name) const {
    for (const auto& s : symbols_) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
  std::optional<engine::symbol_id> find_id(std::string_view name) const {
    for (std::size_t i = 0; i < symbols_.size(); ++i) {
      if (symbols_[i].name == name) return static_cast<engine::symbol_id>(i);
    }
    return std::nullopt;
  }

  struct asset_entry {
    std::string code;
    int scale = 0;
  };
  const std::vector<asset_entry>& assets() const { return assets_; }
  std::optional<engine::asset_id> find_asset(std::string_view code) const {
    for (std::size_t i = 0; i < assets_.size(); ++i) {
      if (assets_[i].code == code) return static_cast<engine::asset_id>(i);
    }
    return std::nullopt;
  }

 private:
  std::vector<symbol_info> symbols_;
  std::vector<asset_entry> assets_;
};

}  // namespace mc::tradeledger
