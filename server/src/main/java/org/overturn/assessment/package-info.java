@NullMarked
package org.overturn.assessment;

import org.jspecify.annotations.NullMarked;
