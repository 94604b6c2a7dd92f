import requests

session = requests.Session()

# Login first
login_response = session.post(
    'http://your-domain.com/accounts/login/',
    data={
        'username': 'your_username',
        'password': 'your_password',
        'csrfmiddlewaretoken': session.cookies.get('csrftoken')
    }
)

# Use session for API calls
response = session.post(
    'http://your-domain.com/api/endpoint',
    json={...},
    headers={'X-CSRFToken': session.cookies.get('csrftoken')}
)
