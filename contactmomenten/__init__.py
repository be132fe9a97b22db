"""The contactmomenten app: contactmomentdetails, their bronnen, API clients and the APIs."""
