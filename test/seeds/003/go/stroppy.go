package main

import (
    "bytes"
    "encoding/json"
    "net/http"
)

type StroppyAPI struct {
    BaseURL string
    Token   string
}

func (api *StroppyAPI) Login(username, password string) error {
    loginData := map[string]string{
        "username": username,
        "password": password,
    }
    
    jsonData, _ := json.Marshal(loginData)
    resp, err := http.Post(api.BaseURL+"/api/v1/auth/login", 
                          "application/json", bytes.NewBuffer(jsonData))
    if err != nil {
        return err
    }
    defer resp.Body.Close()
    
    var result map[string]interface{}
    json.NewDecoder(resp.Body).Decode(&result)
    api.Token = result["token"].(string)
    return nil
}

func (api *StroppyAPI) MakeRequest(endpoint, method string, body []byte) (*http.Response, error) {
    req, err := http.NewRequest(method, api.BaseURL+endpoint, bytes.NewBuffer(body))
    if err != nil {
        return nil, err
    }
    
    req.Header.Set("Authorization", "Bearer "+api.Token)
    req.Header.Set("Content-Type", "application/json")
    
    client := &http.Client{}
    return client.Do(req)
}
