#!/bin/sh
# Using Authorization header
curl -H "Authorization: Bearer YOUR_TOKEN" \
     https://api.stroppy.io/api/v1/runs
