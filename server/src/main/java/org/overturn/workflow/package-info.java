@NullMarked
package org.overturn.workflow;

import org.jspecify.annotations.NullMarked;
