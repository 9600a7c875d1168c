/** What the test pages and the tests both need to know: pure values, importable on either side. */

/** The Gemini model the Firebase AI page asks for. */
export const MODEL = "gemini-2.5-flash";
export const PROMPT = "What is the weather in Paris, and which flights go there from London tomorrow?";
/** What get_flights throws when it fails. */
export const FLIGHTS_DOWN = "the flight search is down";
/** What get_weather and get_flights answer when they work. */
export const WEATHER = { city: "Paris", forecast: "sunny", celsius: 24 } as const;
export const FLIGHTS = { flights: ["BA 304 08:10", "AF 1081 09:35"] } as const;

/** What the persist page's failing run throws. */
export const LEAVE_ERROR = "the booking service refused";
