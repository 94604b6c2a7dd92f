#!/bin/sh
# Use cookies for API calls
curl -b cookies.txt \
  -X POST http://your-domain.com/api/endpoint \
  -H "Content-Type: application/json" \
  -H "X-CSRFToken: <token>" \
  -d '{"key": "value"}'
