#!/bin/sh
curl -X POST -H "Content-Type: application/json" \
-d '{"username": "testuser", "email": "test@example.com", "password": "password123", "password2": "password123"}' \
http://127.0.0.1:8000/api/register/
