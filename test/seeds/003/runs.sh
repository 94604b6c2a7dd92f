#!/bin/sh
curl -H "Authorization: Bearer YOUR_TOKEN_HERE" \
     -H "Content-Type: application/json" \
     https://api.stroppy.io/api/v1/runs
