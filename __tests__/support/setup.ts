import { setupJest } from 'cdktf/lib/testing/adapters/jest';

// Adds cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, toPlanSuccessfully, ...),
// what Testing.setupJest does. Imported from their own module: cdktf's index costs each test file a
// quarter of a second to load, and most files never synthesize anything.
setupJest();
