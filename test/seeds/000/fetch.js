// Session cookie automatically included
fetch('/api/endpoint', {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    'X-CSRFToken': getCookie('csrftoken')
  },
  credentials: 'include',
  body: JSON.stringify({...})
})
