import requests

# Obtain token
login_response = requests.post(
    "https://api.example.com/api/auth/login",
    json={"username": "user@example.com", "password": "secure_password"}
)
token = login_response.json()["access_token"]

# Use token for authenticated requests
headers = {"Authorization": f"Bearer {token}"}
response = requests.post(
    "https://api.example.com/api/search",
    headers=headers,
    json={
        "question": "What is machine learning?",
        "collection_id": "123e4567-e89b-12d3-a456-426614174000",
        "user_id": "123e4567-e89b-12d3-a456-426614174000"
    }
)
