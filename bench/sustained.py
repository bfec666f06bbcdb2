"""Timing under sustained load (GPU machine): a kernel run back to back for
seconds, as a training or serving loop runs it, while nvidia-smi samples
the SM clock and board power. Under such load the H200 sits at its power
limit (clock-event reason 0x4) and its clock follows each kernel's power
draw, so a ratio of two kernels timed in short bursts (100 ms) depends on
the power state the previous kernel left (bench/results/
2026-12-04-h200-descending-keys.json). Used by burst_clocks.py and
dense_vs_fa4.py --seconds."""
import statistics
import subprocess
import threading
import time

import torch

FIELDS = ("clocks.sm", "power.draw", "temperature.gpu",
          "clocks_event_reasons.active")


class Sampler:
    """nvidia-smi's samples every 50 ms, each with the host's monotonic
    time. nvidia-smi only reads here."""

    def __init__(self):
        self.samples = []
        self.proc = subprocess.Popen(
            ["nvidia-smi", "--query-gpu=" + ",".join(FIELDS),
             "--format=csv,noheader,nounits", "-lms", "50"],
            stdout=subprocess.PIPE, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            parts = [p.strip() for p in line.split(",")]
            if len(parts) == len(FIELDS):
                self.samples.append((time.monotonic(), parts))

    def summary(self, start, end):
        """Medians of the samples taken between `start` and `end`."""
        samples = [p for t, p in self.samples if start <= t <= end]

        def median(i):
            values = [float(p[i]) for p in samples
                      if p[i] not in ("", "[N/A]")]
            return round(statistics.median(values), 1) if values else None
        return {"sm_clock_mhz": median(0), "power_w": median(1),
                "temperature_c": median(2),
                "clock_event_reasons": sorted({p[3] for p in samples}),
                "samples": len(samples)}

    def stop(self):
        self.proc.terminate()


def run_for(call, inputs, seconds):
    """Calls `call` back to back over `inputs` (rotated, so that the L2
    does not hold them) for about `seconds`; returns (ms per call by CUDA
    events, monotonic start, end)."""
    for x in inputs:
        call(x)
    torch.cuda.synchronize()
    start_event = torch.cuda.Event(enable_timing=True)
    end_event = torch.cuda.Event(enable_timing=True)
    t0 = time.monotonic()
    start_event.record()
    calls = 0
    while time.monotonic() - t0 < seconds:
        for _ in range(20):
            call(inputs[calls % len(inputs)])
            calls += 1
        # Keep the queue short so that the host clock tracks the device.
        torch.cuda.current_stream().synchronize()
    end_event.record()
    end_event.synchronize()
    return start_event.elapsed_time(end_event) / calls, t0, time.monotonic()
