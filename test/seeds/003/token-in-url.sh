#!/bin/sh
# Passing token in URL
curl "https://api.stroppy.io/api/v1/runs?token=YOUR_TOKEN"
