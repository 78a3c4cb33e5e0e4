// gateway: the public REST + WebSocket API.
#include "gateway/gateway_service.h"

int main() {
  return mc::gateway::main_from_env();
}
