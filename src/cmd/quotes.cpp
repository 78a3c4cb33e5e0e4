// quotes: market-data feeds -> normalised quotes on Redis Pub/Sub.
#include "quotes/quotes_service.h"

int main() {
  return mc::quotes::main_from_env();
}
