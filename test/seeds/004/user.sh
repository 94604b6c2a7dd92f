#!/bin/sh
# Use the saved session cookie
curl -X GET -b cookies.txt \
http://127.0.0.1:8000/api/user/

