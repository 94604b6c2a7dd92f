"""Creates the benchmark user and measures the peer's KDF floor: CPU milliseconds of one
check_password with Django's default hasher, from this process's CPU time (time.process_time)."""
import json
import sys
import time

import django

django.setup()

from django.contrib.auth.hashers import check_password, get_hasher, make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402

username, password, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
User.objects.filter(username=username).delete()
User.objects.create_user(username=username, email=f"{username}@example.com", password=password)

encoded = make_password(password)
check_password(password, encoded)  # warm-up
start = time.process_time()
for _ in range(rounds):
    check_password(password, encoded)
hasher = get_hasher()
print(json.dumps({
    "kdf": f"{hasher.algorithm} ({hasher.iterations} iterations)",
    "kdf_cpu_ms": (time.process_time() - start) * 1000 / rounds,
}))
