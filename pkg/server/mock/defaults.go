package mock

import (
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// DefaultOperations returns the data a server serves when no fixtures are given:
//
//   - search-my-operation-id: the published example, exactly as published (succeeded,
//     with its Location and lastActionDateTime).
//   - purchase_18c224b7-0000-4000-8000-000000000001: a purchase that goes
//     running -> notStarted -> succeeded over five polls, as purchases do live.
//   - purchase_18c224b7-0000-4000-8000-000000000002: a purchase that fails after two polls
//     with an InternalError carrying an innererror.
//   - capabilities_bab5d3ea-0000-4000-8000-000000000003: a capabilities update that runs
//     for two polls and succeeds, with a Location pointing at the number.
//   - release_6d1c9e0a-0000-4000-8000-000000000004: a release that succeeds 3 seconds after
//     the server starts (a time-based timeline).
func DefaultOperations() []Operation {
	searchResult := "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28"
	seedLastAction := time.Date(2020, 11, 19, 22, 31, 49, 48_000_000, time.UTC)
	capabilities := "/phoneNumbers/+14255550123?api-version=2022-12-01"
	created := time.Date(2023, 7, 14, 19, 48, 16, 339_774_100, time.UTC)
	inner := "The phone number could not be acquired from the carrier."
	return []Operation{
		{
			ID:                 types.ExampleOperationID,
			OperationType:      types.PhoneNumberOperationTypeSearch,
			CreatedDateTime:    time.Date(2020, 11, 19, 16, 31, 49, 48_000_000, time.UTC),
			ResourceLocation:   &searchResult,
			LastActionDateTime: &seedLastAction,
			Timeline:           []Step{{Status: types.PhoneNumberOperationStatusSucceeded}},
		},
		{
			ID:              "purchase_18c224b7-0000-4000-8000-000000000001",
			OperationType:   types.PhoneNumberOperationTypePurchase,
			CreatedDateTime: created,
			Timeline: []Step{
				{Status: types.PhoneNumberOperationStatusRunning},
				{Status: types.PhoneNumberOperationStatusNotStarted, AfterPolls: 2},
				{Status: types.PhoneNumberOperationStatusSucceeded, AfterPolls: 5},
			},
		},
		{
			ID:              "purchase_18c224b7-0000-4000-8000-000000000002",
			OperationType:   types.PhoneNumberOperationTypePurchase,
			CreatedDateTime: created,
			Timeline: []Step{
				{Status: types.PhoneNumberOperationStatusRunning},
				{Status: types.PhoneNumberOperationStatusFailed, AfterPolls: 2, Error: &types.CommunicationError{
					Code:       "InternalError",
					Message:    "The server encountered an internal error.",
					Innererror: &types.CommunicationError{Code: "PurchaseFailed", Message: inner},
				}},
			},
		},
		{
			ID:               "capabilities_bab5d3ea-0000-4000-8000-000000000003",
			OperationType:    types.PhoneNumberOperationTypeUpdatePhoneNumberCapabilities,
			CreatedDateTime:  created,
			ResourceLocation: &capabilities,
			Timeline: []Step{
				{Status: types.PhoneNumberOperationStatusRunning},
				{Status: types.PhoneNumberOperationStatusSucceeded, AfterPolls: 2},
			},
		},
		{
			ID:              "release_6d1c9e0a-0000-4000-8000-000000000004",
			OperationType:   types.PhoneNumberOperationTypeReleasePhoneNumber,
			CreatedDateTime: created,
			Timeline: []Step{
				{Status: types.PhoneNumberOperationStatusNotStarted},
				{Status: types.PhoneNumberOperationStatusRunning, After: Duration(time.Second)},
				{Status: types.PhoneNumberOperationStatusSucceeded, After: Duration(3 * time.Second)},
			},
		},
	}
}
