#!/usr/bin/env bash
# The checks that need a GPU, in one run (about 12 minutes on one H200), from the repository root:
#   1. the throughput table at the paper profile's batch and sizes (benchmarks/train_throughput.py),
#      and the loader's at 128 px with augmentation on the CPU and on the GPU
#      (benchmarks/loader_throughput.py);
#   2. the tests that train, fuse, filter and predict, on CUDA: the trainer, evaluation and the
#      tests parametrised by tests/devices.py pick the GPU by themselves.
# Usage: bash benchmarks/device_check.sh [OUT_DIR]   (logs: OUT_DIR/throughput.txt, loader.txt, pytest.txt)
# Needs pytest-xdist. Left out: the OpenCV parity tests and the two tests of the CPU residual
# (GuidedResidualTransform): they run on the CPU, and need opencv-contrib's ximgproc, which GPU
# images often lack.
set -uo pipefail
out=${1:-/tmp/device_check}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch, torchvision, timm; print('torch', torch.__version__, 'torchvision', torchvision.__version__, 'timm', timm.__version__, 'cuda', torch.cuda.is_available())"
timeout "${THROUGHPUT_SECONDS:-240}" python3 benchmarks/train_throughput.py --batch 64 --sizes 128 224 \
    --steps 20 --warmup 3 --turns 30 --workers 8 --loader-images 2048 2>&1 | tee "$out/throughput.txt"
timeout "${LOADER_SECONDS:-120}" python3 benchmarks/loader_throughput.py --sizes 128 --repeats 2 \
    2>&1 | tee "$out/loader.txt"
# Two threads per test process: 8 processes of the machine's default (one per core) oversubscribe it.
OMP_NUM_THREADS=2 timeout "${TEST_SECONDS:-360}" python3 -m pytest -p no:cacheprovider -v --tb=short -n 8 \
    -k "not opencv" \
    --deselect tests/test_grnet.py::test_precomputed_residual_gives_the_in_model_logits \
    --deselect tests/test_train.py::test_residual_computed_in_workers_feeds_the_model_beside_the_image \
    tests/test_fusion.py tests/test_guided_filter.py tests/test_grnet.py tests/test_train.py \
    tests/test_augment.py tests/test_baselines.py tests/test_evaluate.py tests/test_predict.py tests/test_runcache.py \
    >"$out/pytest.txt" 2>&1
grep -E "^(FAILED|ERROR)|passed|failed" "$out/pytest.txt" | tail -40
