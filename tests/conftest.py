"""Run the tests with one compute thread per numerical library.

The test data are small, so extra threads gain little. On a 2-core machine
shared with other jobs, OpenMP threads that spin while waiting for a core
made the suite about ten times slower (145 s against 12 s, measured once).
"""

import torch
from threadpoolctl import threadpool_limits

torch.set_num_threads(1)
threadpool_limits(limits=1)
