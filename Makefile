# MicroCoin developer commands. Every target bootstraps what it needs, so a fresh clone works.
#   make run    build (services + web console), start PostgreSQL + Redis, migrate, run all services
#               in the foreground; the console is at http://localhost:8080/
#   make up     the same in the background;  make down  stops everything
#   make test   build (Debug + ASan/UBSan) and run unit, integration and end-to-end tests
#   make bench  build (Release) and run the benchmarks; results under build/bench/
#   make chaos  build (Release) and run the long failure tests; report in build/chaos/report.json
SHELL := /bin/bash
JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
DEBUG_DIR := build/debug

.PHONY: bootstrap build build-debug run up down test bench chaos format format-check clean

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@scripts/build-web.sh
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DMC_BUILD_TESTS=OFF >/dev/null
	@ninja -C $(RELEASE_DIR) -j$(JOBS) gateway quotes tradeledger monolith

build-debug: bootstrap
	@scripts/build-web.sh
	@cmake -S . -B $(DEBUG_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMC_SANITIZE=ON -DMC_BUILD_BENCH=OFF >/dev/null
	@ninja -C $(DEBUG_DIR) -j$(JOBS)

run: build
	@scripts/run.sh foreground $(RELEASE_DIR)

up: build
	@scripts/run.sh background $(RELEASE_DIR)

down:
	@scripts/run.sh stop

test: build-debug
	@cd $(DEBUG_DIR) && ctest -j$(JOBS) --output-on-failure --no-tests=error

bench: bootstrap
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DMC_BUILD_TESTS=ON >/dev/null
	@ninja -C $(RELEASE_DIR) -j$(JOBS)
	@scripts/bench.sh $(RELEASE_DIR)

chaos: bootstrap
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DMC_BUILD_TESTS=ON >/dev/null
	@ninja -C $(RELEASE_DIR) -j$(JOBS) gateway quotes tradeledger monolith chaos_client
	@scripts/chaos.sh long $(RELEASE_DIR)

format:
	@find src tests bench \( -name '*.h' -o -name '*.cpp' \) | xargs clang-format -i

format-check:
	@find src tests bench \( -name '*.h' -o -name '*.cpp' \) | xargs clang-format --dry-run --Werror

clean:
	@rm -rf build
