@NullMarked
package org.overturn.fhir;

import org.jspecify.annotations.NullMarked;
