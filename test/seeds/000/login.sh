#!/bin/sh
# Login and save cookies
curl -c cookies.txt -b cookies.txt \
  -X POST http://your-domain.com/accounts/login/ \
  -d "username=your_username&password=your_password"
