// Drives the seed's StroppyAPI Go client (stroppy.go, stored verbatim): log in, then call the
// app's /api/v1/runs with the token. Prints {"token_set", "status", "body"} as JSON.
package main

import (
	"encoding/json"
	"io"
	"os"
)

func main() {
	api := &StroppyAPI{BaseURL: os.Getenv("BASE_URL")}
	if err := api.Login(os.Args[1], os.Args[2]); err != nil {
		panic(err)
	}
	resp, err := api.MakeRequest("/api/v1/runs", "GET", nil)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"token_set": api.Token != "", "status": resp.StatusCode, "body": string(body)})
}
