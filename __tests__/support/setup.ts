import { Testing } from 'cdktf';

// Adds cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, toPlanSuccessfully, ...).
Testing.setupJest();
